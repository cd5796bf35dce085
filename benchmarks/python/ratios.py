#!/usr/bin/env python3
"""Reads the logs of benchmarks/side-by-side.sh (TrainBench, InferBench, resnet_bench.py) and prints DL4J / PyTorch
ratios. Usage: ratios.py TRAIN_LOG INFER_LOG TORCH_LOG"""
import re
import sys


def fields(path, tag):
    out = {}
    with open(path) as f:
        for line in f:
            if tag in line and "RESULT" in line:
                for k, v in re.findall(r"([a-z0-9_]+)=([0-9.]+)", line):
                    out.setdefault(k, float(v))
            m = re.search(r"cumulative MACs per exit: \[([^\]]*)\]; full model ([0-9.]+) M(?:; params (\d+))?", line)
            if m:
                out["macs"] = m.group(1)
                out["full_macs_M"] = float(m.group(2))
                if m.group(3):
                    out["params"] = float(m.group(3))
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    train, infer, torch = fields(sys.argv[1], "[bench]"), fields(sys.argv[2], "[infer]"), fields(sys.argv[3], "[torch]")
    # InferBench prints two RESULT lines (batch 128, batch 1): read batch-1 figures separately
    with open(sys.argv[2]) as f:
        lat = [l for l in f if "RESULT batch=1" in l]
    full_ms = ee_ms = float("nan")
    if lat:
        m = re.search(r"full: median ([0-9.]+) ms.*early exit: median ([0-9.]+) ms", lat[0])
        full_ms, ee_ms = float(m.group(1)), float(m.group(2))
    need = [("infer", infer, "full_img_s"), ("infer", infer, "ee_img_s"),
            ("torch", torch, "train_img_s"), ("torch", torch, "full_img_s"), ("torch", torch, "full_every_head_img_s")]
    for name, d, k in need:
        if k not in d:
            sys.exit(f"no {k} in the {name} log: did that run fail?")
    if "full_macs_M" in train:
        print(f"architecture check: DL4J params {train.get('params', float('nan')):.0f} vs PyTorch "
              f"{torch['params']:.0f}; full-model MACs {train['full_macs_M']:.3f} M vs {torch['full_macs_M']:.3f} M")
    else:
        print("no Java training log (MODEL= given): training ratio and architecture check skipped")
    tl = torch["batch1_median_ms"]
    rows = [  # (measure, DL4J, PyTorch, DL4J's advantage: > 1 means DL4J is faster, target)
        ("training images/s", train.get("train_images_per_s", float("nan")), torch["train_img_s"], None, ">= 0.7"),
        ("full model (last head only) images/s, batch 128", infer["full_img_s"], torch["full_img_s"], None, ""),
        ("DL4J full model (last head) vs PyTorch full model (every head)", infer["full_img_s"],
         torch["full_every_head_img_s"], None, ""),
        ("DL4J certified early exit vs PyTorch full model (every head)", infer["ee_img_s"],
         torch["full_every_head_img_s"], None, "> 1"),
        ("batch-1 median latency ms, full model", full_ms, tl, tl / full_ms, ""),
        ("batch-1 median latency ms, DL4J early exit vs PyTorch full model", ee_ms, tl, tl / ee_ms, ""),
    ]
    print(f"{'measure (ratio > 1: DL4J faster)':<68} {'DL4J':>9} {'PyTorch':>9} {'ratio':>7}  target")
    for name, j, t, r, target in rows:
        r = j / t if r is None else r
        print(f"{name:<68} {j:>9.2f} {t:>9.2f} {r:>7.3f}  {target}")


if __name__ == "__main__":
    main()
