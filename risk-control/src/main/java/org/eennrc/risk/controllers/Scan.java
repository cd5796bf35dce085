package org.eennrc.risk.controllers;

import java.util.function.IntPredicate;

/** The two ways method.md §4 turns per-index pass/fail into k̂. */
enum Scan {
    /** The largest k anywhere in the grid that passes (naive rule, CRC as in the paper). */
    ANYWHERE {
        @Override
        int select(IntPredicate passes, int size) {
            for (int k = size - 1; k >= 0; k--) if (passes.test(k)) return k;
            return -1;
        }
    },
    /** The end of the run of passing k = 0, 1, … (UCB, CRC-prefix). Stops at the first failure. */
    PREFIX {
        @Override
        int select(IntPredicate passes, int size) {
            int last = -1;
            for (int k = 0; k < size && passes.test(k); k++) last = k;
            return last;
        }
    };

    /** The selected index, or −1 if none passes. */
    abstract int select(IntPredicate passes, int size);
}
