"""Writes synthetic-outputs.npz: per-exit outputs of a made-up 4-exit, 10-class classifier in the interchange
format (docs/interchange-format.md), so that configs/outputs.yaml runs out of the box. Later exits are sharper
and more often right, as in a real early-exit network. Run: python3 make_synthetic_outputs.py (numpy only)."""
import numpy as np

rng = np.random.default_rng(20240530)
n, exits, classes = 2000, 4, 10
labels = rng.integers(0, classes, size=n)
difficulty = rng.uniform(0.0, 1.0, size=n)              # hard samples stay uncertain longer
logits = np.zeros((n, exits, classes), dtype=np.float32)
for l in range(exits):
    signal = (1.0 + 1.6 * l) * (1.2 - difficulty)        # grows with depth, shrinks with difficulty
    noise = rng.normal(0.0, 1.0, size=(n, classes))
    z = noise
    z[np.arange(n), labels] += 2.0 * signal
    logits[:, l, :] = z.astype(np.float32)
flops = np.array([1.0, 2.0, 3.0, 4.0]) * 1e6              # cumulative multiply-adds to reach each exit
np.savez_compressed("synthetic-outputs.npz", logits=logits, labels=labels.astype(np.int64), flops=flops)
print("wrote synthetic-outputs.npz", logits.shape)
