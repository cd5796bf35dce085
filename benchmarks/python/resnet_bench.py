#!/usr/bin/env python3
"""PyTorch side of the side-by-side benchmark (docs/benchmarks.md, issue 16): the SAME 4-exit ResNet as eenn-models'
default MultiExitResNet (MultiExitResNet.configuration, configs/fashion-mnist-resnet.yaml), trained and timed on
Fashion-MNIST as a new user would write it. Not part of the build or the tests; needs Debian's python3-torch (1.13).

Architecture (per MultiExitResNet.java): stem 3x3 conv (no bias) + BN + ReLU, stride 2, to 32 channels; then per stage
one basic block: conv3x3(stride) + BN + ReLU, conv3x3 + BN, plus a shortcut (1x1 conv + BN when the stride or width
changes), add, ReLU; after each stage an exit head: global average pooling + linear to 10 classes, softmax.
Widths 32/64/128/256, strides 1/2/2/1 by default (--widths, --strides, --stem for another member). DL4J's ConvolutionMode.Same gives the same output sizes as padding=1 here
(28 -> 14 -> 14 -> 7 -> 4 -> 4). Training: Adam, lr 3e-3, sum of the exits' cross-entropies (equal weights).

It prints parameter counts and multiply-adds per exit counted as eenn-models' MacCount does (convolutions, linear
layers, batch norm one per output element, global pooling one per input element), then one RESULT line:
  python3 resnet_bench.py [--data-dir DIR] [--threads 2] [--train-batches 50] [--batch 128] [--infer-images 5000]
                          [--latency-samples 300] [--repeats 3] [--widths 32,64,128,256] [--strides 1,2,2,1]
                          [--stem 32]
"""
import argparse
import gzip
import os
import statistics
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    if (magic >> 8) != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file (magic {magic:#x})")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find(data_dir, stem):
    for name in (stem, stem + ".gz"):
        p = os.path.join(data_dir, name)
        if os.path.exists(p):
            return p
    raise FileNotFoundError(f"no {stem}[.gz] in {data_dir}")


def load(data_dir, kind):
    x = read_idx(find(data_dir, f"{kind}-images-idx3-ubyte")).astype(np.float32) / 255.0
    y = read_idx(find(data_dir, f"{kind}-labels-idx1-ubyte")).astype(np.int64)
    return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y)


def conv_bn(cin, cout, k, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, padding=k // 2, bias=False), nn.BatchNorm2d(cout))


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.a = conv_bn(cin, cout, 3, stride)
        self.b = conv_bn(cout, cout, 3, 1)
        self.proj = conv_bn(cin, cout, 1, stride) if stride != 1 or cin != cout else None

    def forward(self, x):
        y = self.b(F.relu(self.a(x)))
        return F.relu(y + (self.proj(x) if self.proj is not None else x))


class MultiExitResNet(nn.Module):
    def __init__(self, stem=32, stem_stride=2, widths=(32, 64, 128, 256), strides=(1, 2, 2, 1), classes=10):
        super().__init__()
        self.stem = conv_bn(1, stem, 3, stem_stride)
        cin = stem
        self.stages = nn.ModuleList()
        self.heads = nn.ModuleList()
        for w, s in zip(widths, strides):
            self.stages.append(Block(cin, w, s))
            self.heads.append(nn.Linear(w, classes))
            cin = w

    def forward(self, x, every_head=True):
        """Logits of every exit (training, and the issue's "full model, every head"), or of the last exit only
        (every_head=False: what eenn-models' EarlyExitPredictor.fullModel runs)."""
        x = F.relu(self.stem(x))
        outs = []
        last = len(self.stages) - 1
        for i, (st, h) in enumerate(zip(self.stages, self.heads)):
            x = st(x)
            if every_head or i == last:
                outs.append(h(x.mean((2, 3))))
        return outs


def count_macs(model):
    """Multiply-adds per sample per exit, counted as eenn-models' MacCount does."""
    macs = {}
    pooled = {}

    def hook(mod, inp, out):
        if isinstance(mod, nn.Conv2d):
            c = out[0].numel() * mod.kernel_size[0] * mod.kernel_size[1] * mod.in_channels // mod.groups
        elif isinstance(mod, nn.BatchNorm2d):
            c = out[0].numel()
        elif isinstance(mod, nn.Linear):
            c = mod.in_features * mod.out_features
        elif isinstance(mod, Block):
            pooled[mod] = out[0].numel()  # the head's global pooling: one per input element
            return
        else:
            return
        macs[mod] = c

    hooks = [m.register_forward_hook(hook) for m in model.modules()]
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 1, 28, 28))
    for h in hooks:
        h.remove()
    # as ComputationGraphModel.cumulativeCost: reaching exit l runs the trunk up to l and every head up to l;
    # the full model (fullModelCost) runs the trunk and the last head only
    total = sum(macs[m] for m in model.stem.modules() if m in macs)
    cum, heads = [], 0
    for st, h in zip(model.stages, model.heads):
        total += sum(macs[m] for m in st.modules() if m in macs)
        head = macs[h] + pooled[st]
        heads += head
        cum.append(total + heads)
    return cum, total + head


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--train-batches", type=int, default=50)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--infer-images", type=int, default=5000)
    ap.add_argument("--latency-samples", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--widths", default="32,64,128,256", help="channels of each stage (one exit per stage)")
    ap.add_argument("--strides", default="1,2,2,1", help="stride of each stage's first block")
    ap.add_argument("--stem", type=int, default=32, help="channels of the stride-2 stem")
    ap.add_argument("--profile", action="store_true",
                    help="after the training timing, split a step into forward / backward / update (as the Java "
                         "TrainProfile does) and print torch.autograd.profiler's top ops")
    a = ap.parse_args()
    widths = tuple(int(w) for w in a.widths.split(","))
    strides = tuple(int(s) for s in a.strides.split(","))
    if len(widths) != len(strides) or min(widths) < 1 or min(strides) < 1 or a.stem < 1:
        sys.exit("--widths and --strides need one positive entry per stage, --stem >= 1")
    for k in ("threads", "train_batches", "batch", "infer_images", "repeats"):
        if getattr(a, k) < 1:
            sys.exit(f"--{k.replace('_', '-')} must be >= 1")
    torch.set_num_threads(a.threads)
    torch.manual_seed(42)
    xtr, ytr = load(a.data_dir, "train")
    xte, yte = load(a.data_dir, "t10k")
    model = MultiExitResNet(stem=a.stem, widths=widths, strides=strides)
    print(f"[torch] network: stem {a.stem}/2, widths {list(widths)}, strides {list(strides)}, one block per stage")
    n_train = sum(p.numel() for p in model.parameters())
    n_buf = sum(b.numel() for n, b in model.named_buffers() if not n.endswith("num_batches_tracked"))
    cum, full = count_macs(model)
    print(f"[torch] torch {torch.__version__}, threads {torch.get_num_threads()}, "
          f"mkldnn {torch.backends.mkldnn.is_available()}")
    print(f"[torch] params: trainable {n_train}, + batch-norm running statistics {n_buf} = {n_train + n_buf} "
          f"(DL4J counts both)")
    print(f"[torch] cumulative MACs per exit: {[round(c / 1e6, 3) for c in cum]}; full model {full / 1e6:.3f} M")

    # training: N batches of `batch`, after 3 warm-up batches, sum of the exits' cross-entropies
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    model.train()
    g = torch.Generator().manual_seed(1)
    perm = torch.randperm(xtr.shape[0], generator=g)
    need = (a.train_batches + 3) * a.batch
    idx = perm[torch.arange(need) % xtr.shape[0]]

    def step(i):
        sel = idx[i * a.batch:(i + 1) * a.batch]
        x, y = xtr[sel], ytr[sel]
        opt.zero_grad()
        loss = sum(F.cross_entropy(o, y) for o in model(x))
        loss.backward()
        opt.step()
        return loss.item()

    for i in range(3):
        step(i)
    t0 = time.perf_counter()
    for i in range(3, 3 + a.train_batches):
        loss = step(i)
        if (i - 2) % max(1, a.train_batches // 5) == 0:
            print(f"[torch] train batch {i - 2}/{a.train_batches} loss {loss:.3f}", flush=True)
    train_ips = a.train_batches * a.batch / (time.perf_counter() - t0)
    if a.profile:
        profile_step(model, opt, xtr, ytr, idx, a)

    # inference: full model (every exit head), batch `batch`, best of `repeats`
    model.eval()
    xi, yi = xte[:a.infer_images], yte[:a.infer_images]
    best = {True: float("inf"), False: float("inf")}
    with torch.no_grad():
        model(xi[:a.batch])
        model(xi[:a.batch], every_head=False)
        for _ in range(a.repeats):
            for every in (True, False):  # alternated, to share the machine's noise
                t0 = time.perf_counter()
                preds = []
                for j in range(0, xi.shape[0], a.batch):
                    preds.append(model(xi[j:j + a.batch], every)[-1].argmax(1))
                best[every] = min(best[every], time.perf_counter() - t0)
        acc = (torch.cat(preds) == yi).float().mean().item()
        lat = []
        for j in range(min(a.latency_samples, xi.shape[0])):
            t0 = time.perf_counter()
            model(xi[j:j + 1], every_head=False)[-1].argmax(1)
            lat.append((time.perf_counter() - t0) * 1000)
    med = statistics.median(lat) if lat else float("nan")
    print(f"[torch] RESULT threads={a.threads} train_img_s={train_ips:.0f} "
          f"full_every_head_img_s={xi.shape[0] / best[True]:.0f} full_img_s={xi.shape[0] / best[False]:.0f} "
          f"batch={a.batch} batch1_median_ms={med:.3f} last_exit_acc={acc:.4f} (after {a.train_batches} batches) "
          f"params={n_train + n_buf} full_macs_M={full / 1e6:.3f}")


def profile_step(model, opt, xtr, ytr, idx, a):
    """Forward (training mode), forward+backward and the whole step, mean ms per batch over the timed batches; then
    the autograd profiler's ops by self CPU time over the same number of steps."""
    n = a.train_batches
    ff = fb = st = 0.0
    for i in range(3, 3 + n):
        sel = idx[i * a.batch:(i + 1) * a.batch]
        x, y = xtr[sel], ytr[sel]
        t0 = time.perf_counter()
        with torch.no_grad():
            model(x)
        t1 = time.perf_counter()
        opt.zero_grad()
        loss = sum(F.cross_entropy(o, y) for o in model(x))
        loss.backward()
        t2 = time.perf_counter()
        opt.zero_grad()
        loss = sum(F.cross_entropy(o, y) for o in model(x))
        loss.backward()
        opt.step()
        t3 = time.perf_counter()
        ff += (t1 - t0) * 1000 / n
        fb += (t2 - t1) * 1000 / n
        st += (t3 - t2) * 1000 / n
    print(f"[torch] per batch of {a.batch} (mean of {n}): forward (training mode, no autograd) {ff:.1f} ms, "
          f"forward+backward {fb:.1f} ms -> backward {fb - ff:.1f} ms, step {st:.1f} ms -> update {st - fb:.1f} ms; "
          f"step = {a.batch * 1000 / st:.0f} images/s")
    print(f"[torch] PROFILE forward_ms={ff:.2f} backward_ms={fb - ff:.2f} update_ms={st - fb:.2f} step_ms={st:.2f} "
          f"images_per_s={a.batch * 1000 / st:.1f}")
    with torch.autograd.profiler.profile() as prof:
        for i in range(3, 3 + n):
            sel = idx[i * a.batch:(i + 1) * a.batch]
            opt.zero_grad()
            sum(F.cross_entropy(o, ytr[sel]) for o in model(xtr[sel])).backward()
            opt.step()
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=12))


if __name__ == "__main__":
    main()
