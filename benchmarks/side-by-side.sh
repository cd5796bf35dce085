#!/bin/sh
# DL4J against PyTorch on the same 4-exit ResNet, the same data and thread count, in one session (docs/benchmarks.md,
# "Frontier and PyTorch side-by-side (issue 16)"). Run from the repository root after
#   mvn -B -q -pl benchmarks -am compile
# Needs python3-torch (Debian's PyTorch 1.13, CPU). Settings by environment variable (defaults: the issue's run):
#   THREADS=2 EPOCHS=1 MAX_TRAIN=0 (0: all 55,000) TORCH_BATCHES=200 REPEATS=3 LATENCY=300 OUT=runs/side-by-side
#   DATA=/usr/share/datasets/fashion-mnist PYTHON=/usr/bin/python3 (Debian's, where python3-torch is installed)
#   RISK=prediction-gap (the risk CRC certifies at ε = 0.05 for the early-exit run)
#   FOLD=0 (1: DL4J inference with batch norm folded into the convolutions, InferBench --fold)
#   WIDTHS=32,64,128,256 STRIDES=1,2,2,1 STEM=32 (the network on both sides; one block per stage)
#   MODEL= (a trained model folder: skip the Java training and time this model; the training ratio is then not printed)
# It trains the default network in Java (TrainBench, saved to $OUT), times its full model and certified early exit
# (InferBench: CRC, prediction gap, ε = 0.05 on one test half, timed on the other), trains and times the
# PyTorch copy (benchmarks/python/resnet_bench.py), and prints the ratios. Logs: $OUT.*.log
set -eu
THREADS=${THREADS:-2}; EPOCHS=${EPOCHS:-1}; MAX_TRAIN=${MAX_TRAIN:-0}; TORCH_BATCHES=${TORCH_BATCHES:-200}
REPEATS=${REPEATS:-3}; LATENCY=${LATENCY:-300}; OUT=${OUT:-runs/side-by-side}
DATA=${DATA:-/usr/share/datasets/fashion-mnist}; PYTHON=${PYTHON:-/usr/bin/python3}; FOLD=${FOLD:-0}; MODEL=${MODEL:-}
RISK=${RISK:-prediction-gap}
WIDTHS=${WIDTHS:-32,64,128,256}; STRIDES=${STRIDES:-1,2,2,1}; STEM=${STEM:-32}
here=$(dirname "$0")
[ -f benchmarks/target/classpath.txt ] || { echo "run from the repository root after: mvn -B -q -pl benchmarks -am compile" >&2; exit 2; }
"$PYTHON" -c 'import torch' 2>/dev/null || { echo "PyTorch is missing for $PYTHON: apt-get install python3-torch" >&2; exit 2; }
CP=benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)
JOPTS="-Djava.awt.headless=true -Xmx1g -Dorg.bytedeco.javacpp.maxbytes=1500m -Dorg.bytedeco.javacpp.maxphysicalbytes=2500m -Dorg.eclipse.deeplearning4j.helpers.disable=false"
export OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=$THREADS
mkdir -p "$(dirname "$OUT")"
echo "[side-by-side] $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg) threads=$THREADS"
if [ -z "$MODEL" ]; then
  java $JOPTS -cp "$CP" org.eennrc.bench.TrainBench --data-dir "$DATA" --out "$OUT" --epochs "$EPOCHS" \
    --max-train "$MAX_TRAIN" --widths "$WIDTHS" --strides "$STRIDES" --blocks "$(echo "$WIDTHS" | sed 's/[0-9]*/1/g')" \
    --stem "$STEM" | tee "$OUT.train.log"
  grep -q RESULT "$OUT.train.log" || { echo "[side-by-side] TrainBench failed (see above)" >&2; exit 1; }
  MODEL=$OUT
else
  : > "$OUT.train.log"
fi
FOLDARG=; [ "$FOLD" = 1 ] && FOLDARG=--fold
java $JOPTS -cp "$CP" org.eennrc.bench.InferBench --data-dir "$DATA" --model "$MODEL" --repeats "$REPEATS" \
  --latency-samples "$LATENCY" --risk "$RISK" $FOLDARG | tee "$OUT.infer.log"
grep -q RESULT "$OUT.infer.log" || { echo "[side-by-side] InferBench failed (see above)" >&2; exit 1; }
"$PYTHON" "$here/python/resnet_bench.py" --data-dir "$DATA" --threads "$THREADS" --train-batches "$TORCH_BATCHES" \
  --repeats "$REPEATS" --latency-samples "$LATENCY" --widths "$WIDTHS" --strides "$STRIDES" --stem "$STEM" \
  | tee "$OUT.torch.log"
echo "[side-by-side] load after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$PYTHON" "$here/python/ratios.py" "$OUT.train.log" "$OUT.infer.log" "$OUT.torch.log"
