"""The Python side of bench/vs-python.ts: times one model with the onnxruntime Python package the way ortfleet's
runner does with onnxruntime-node, and prints the figures as JSON.

Reads a JSON job from argv[1]: {model, inputs: {name: shape}, seed, warmup, minIterations, minDurationMs,
maxDurationMs, sessionOptions (onnxruntime-node's, as ortfleet builds them)}. Same session settings, same input
data (ortfleet's seeded mulberry32 generator, reproduced bit for bit), same pool of up to 8 input sets, same
loop: warm-up, then one timed session.run per sample until both minIterations and minDurationMs are reached.
"""

import json
import math
import sys
import threading
import time

import numpy as np
import onnxruntime as ort

POOL_BYTES = 256 * 1024 * 1024
MAX_SETS = 8


def mulberry32(seed, count):
    """ortfleet's generator (apps/agent/src/cell/inputs.ts): its state after i steps is seed + i*0x6d2b79f5,
    so the whole stream is computed at once in uint32 arithmetic, which wraps as Math.imul and >>> do."""
    steps = np.arange(1, count + 1, dtype=np.uint64)
    t = ((np.uint64(seed) + steps * np.uint64(0x6D2B79F5)) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    t = (t ^ (t >> np.uint32(15))) * (t | np.uint32(1))
    t ^= t + (t ^ (t >> np.uint32(7))) * (t | np.uint32(61))
    return (t ^ (t >> np.uint32(14))).astype(np.float64) / 4294967296.0


def session_options(node):
    """onnxruntime-node's session options in the Python API's terms."""
    levels = {
        "disabled": ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
        "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
        "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
    }
    so = ort.SessionOptions()
    so.graph_optimization_level = levels[node.get("graphOptimizationLevel", "all")]
    so.intra_op_num_threads = node.get("intraOpNumThreads", 0)
    so.inter_op_num_threads = node.get("interOpNumThreads", 0)
    so.execution_mode = ort.ExecutionMode.ORT_PARALLEL if node.get("executionMode") == "parallel" else ort.ExecutionMode.ORT_SEQUENTIAL
    so.enable_mem_pattern = node.get("enableMemPattern", True)
    so.enable_cpu_mem_arena = node.get("enableCpuMemArena", True)
    so.enable_profiling = False
    so.log_severity_level = node.get("logSeverityLevel", 3)
    for key, value in node.get("extra", {}).items():
        so.add_session_config_entry(key, str(value))
    providers = [p if isinstance(p, str) else p["name"] for p in node.get("executionProviders", ["cpu"])]
    if providers != ["cpu"]:
        sys.exit(f"ort_python.py times the CPU EP only, got {providers}")
    return so


def model_shape(meta):
    """The model's own shape with the first open dimension as batch 1, as ortfleet resolves it."""
    shape = [d if isinstance(d, int) and d > 0 else None for d in meta.shape]
    if shape and shape[0] is None:
        shape[0] = 1
    if None in shape:
        sys.exit(f"input '{meta.name}' has open dimensions {meta.shape}; give its shape with --input {meta.name}=...")
    return shape


def input_pool(session, shapes, seed):
    layouts = []
    for meta in session.get_inputs():
        if meta.type != "tensor(float)":
            sys.exit(f"ort_python.py feeds float32 inputs only; '{meta.name}' is {meta.type}")
        shape = shapes.get(meta.name) or model_shape(meta)
        layouts.append((meta.name, shape, math.prod(shape)))
    total = sum(count for _, _, count in layouts)
    sets = max(1, min(MAX_SETS, POOL_BYTES // max(total * 4, 1)))
    pool = []
    for k in range(sets):
        values = mulberry32(seed + k, total).astype(np.float32)
        feeds, offset = {}, 0
        for name, shape, count in layouts:
            feeds[name] = values[offset : offset + count].reshape(shape)
            offset += count
        pool.append(feeds)
    return pool


def main():
    job = json.loads(sys.argv[1])
    options = session_options(job["sessionOptions"])
    start = time.perf_counter_ns()
    session = ort.InferenceSession(job["model"], options, providers=["CPUExecutionProvider"])
    session_ms = (time.perf_counter_ns() - start) / 1e6
    pool = input_pool(session, job["inputs"], job["seed"])
    start = time.perf_counter_ns()
    session.run(None, pool[0])
    first_ms = (time.perf_counter_ns() - start) / 1e6
    for i in range(job["warmup"]):
        session.run(None, pool[(i + 1) % len(pool)])

    if job.get("concurrency", 1) > 1:
        return closed_loop(session, pool, job)

    samples = []
    loop_start = time.perf_counter_ns()
    elapsed = 0.0
    while (len(samples) < job["minIterations"] or elapsed < job["minDurationMs"]) and elapsed < job["maxDurationMs"]:
        feeds = pool[len(samples) % len(pool)]
        t0 = time.perf_counter_ns()
        session.run(None, feeds)
        t1 = time.perf_counter_ns()
        samples.append(t1 - t0)
        elapsed = (t1 - loop_start) / 1e6

    ms = np.sort(np.array(samples, dtype=np.float64) / 1e6)
    n = len(ms)
    # The median's 95% interval from order statistics, as packages/core/src/stats.ts computes it.
    half = 1.96 * math.sqrt(n) / 2
    lo = max(0, math.floor(n / 2 - half))
    hi = max(lo, min(n - 1, math.ceil(n / 2 + half) - 1))
    print(json.dumps({
        "onnxruntime": ort.__version__,
        "inputSets": len(pool),
        "inputChecksum": float(sum(float(a.astype(np.float64).sum()) for a in pool[0].values())),
        "sessionCreateMs": session_ms,
        "firstInferenceMs": first_ms,
        "iterations": n,
        "durationMs": elapsed,
        "minMs": float(ms[0]),
        "meanMs": float(ms.mean()),
        "p50Ms": float(np.percentile(ms, 50)),
        "p90Ms": float(np.percentile(ms, 90)),
        "p99Ms": float(np.percentile(ms, 99)),
        "maxMs": float(ms[-1]),
        "p50CiLowMs": float(ms[lo]),
        "p50CiHighMs": float(ms[hi]),
    }))


def closed_loop(session, pool, job):
    """N threads calling run on the one session (run releases the GIL, so they overlap), each sending its next
    request when the last returns, until all together made minIterations and minDurationMs, as bench/capacity.ts
    asks of ortfleet's closed loop. Each thread warms up first; all start on one barrier."""
    n = job["concurrency"]
    barrier = threading.Barrier(n + 1)
    stop = threading.Event()
    done = [0] * n
    lock = threading.Lock()
    total = [0]
    loop_start = [0]

    def worker(index):
        offset = index * len(pool) // n
        for i in range(job["warmup"]):
            session.run(None, pool[(offset + i) % len(pool)])
        barrier.wait()
        i = 0
        while not stop.is_set():
            session.run(None, pool[(offset + i) % len(pool)])
            i += 1
            done[index] += 1
            with lock:
                total[0] += 1
                elapsed = (time.perf_counter_ns() - loop_start[0]) / 1e6
                if (total[0] >= job["minIterations"] and elapsed >= job["minDurationMs"]) or elapsed >= job["maxDurationMs"]:
                    stop.set()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    loop_start[0] = time.perf_counter_ns()
    barrier.wait()
    loop_start[0] = time.perf_counter_ns()
    for t in threads:
        t.join()
    elapsed = (time.perf_counter_ns() - loop_start[0]) / 1e6
    print(json.dumps({
        "onnxruntime": ort.__version__,
        "concurrency": n,
        "iterations": sum(done),
        "durationMs": elapsed,
        "requestsPerS": sum(done) / (elapsed / 1000),
    }))


if __name__ == "__main__":
    main()
