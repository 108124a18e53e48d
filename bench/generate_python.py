"""The Python side of bench/generate-vs-python.ts and of the generation parity test: the greedy KV-cache loop that
ortfleet runs in apps/agent/src/cell/generate.ts, with the onnxruntime Python package, timed the same way.

Reads a JSON job from argv[1]: {model, prompts: [[[ids of row 0], [row 1], ...], ...], newTokens, warmup,
minIterations, minDurationMs, maxDurationMs, sessionOptions (onnxruntime-node's, as ortfleet builds them)}.
Prefill over the prompt with an empty past, then one run per new token feeding present.* back as
past_key_values.*, the argmax of the last logits as input_ids, and the mask and positions grown by one. TTFT is
the prefill run plus that argmax; each decode step is timed from building its feeds to its argmax. Warm-up runs
`warmup` generations of min(newTokens, 8) tokens; the timed loop cycles through the prompts until both
minIterations generations and minDurationMs are reached (or maxDurationMs). Prints JSON: the tokens of the
first prompt, and TTFT, inter-token latency and decode tokens/s.
"""

import json
import re
import sys
import time

import numpy as np
import onnxruntime as ort

from ort_python import session_options

WARMUP_TOKENS = 8


def layout(session):
    inputs = {i.name: i for i in session.get_inputs()}
    layers = 1 + max(int(m.group(1)) for m in (re.match(r"^past_key_values\.(\d+)\.key$", n) for n in inputs) if m)
    past = inputs["past_key_values.0.key"]
    types = {"tensor(int64)": np.int64, "tensor(int32)": np.int32, "tensor(float)": np.float32, "tensor(float16)": np.float16}
    return {
        "layers": layers,
        "heads": past.shape[1],
        "head_size": past.shape[3],
        "kv": types[past.type],
        "ids": types[inputs["input_ids"].type],
        "mask": types[inputs["attention_mask"].type],
        "positions": types[inputs["position_ids"].type] if "position_ids" in inputs else None,
    }


def generate(session, lay, prompt, new_tokens):
    prompt = np.asarray(prompt)
    batch, length = prompt.shape
    empty = np.zeros((batch, lay["heads"], 0, lay["head_size"]), dtype=lay["kv"])
    past = {f"past_key_values.{i}.{p}": empty for i in range(lay["layers"]) for p in ("key", "value")}
    names = [o.name for o in session.get_outputs()]
    tokens = np.zeros((batch, 0), dtype=np.int64)
    ttft, steps = 0.0, []
    for step in range(new_tokens):
        start = time.perf_counter_ns()
        total = length + step
        if step == 0:
            ids = prompt
            positions = np.tile(np.arange(length), (batch, 1))
        else:
            ids = tokens[:, -1:]
            positions = np.full((batch, 1), total - 1)
        feeds = {"input_ids": ids.astype(lay["ids"]), "attention_mask": np.ones((batch, total), dtype=lay["mask"]), **past}
        if lay["positions"] is not None:
            feeds["position_ids"] = positions.astype(lay["positions"])
        out = dict(zip(names, session.run(None, feeds)))
        nxt = out["logits"].reshape(batch, -1, out["logits"].shape[-1])[:, -1, :].astype(np.float32).argmax(-1)
        tokens = np.concatenate([tokens, nxt[:, None]], axis=1)
        ms = (time.perf_counter_ns() - start) / 1e6
        if step == 0:
            ttft = ms
        else:
            steps.append(ms)
        past = {f"past_key_values.{i}.{p}": out[f"present.{i}.{p}"] for i in range(lay["layers"]) for p in ("key", "value")}
    return tokens, ttft, steps


def main():
    job = json.loads(sys.argv[1])
    session = ort.InferenceSession(job["model"], sess_options=session_options(job["sessionOptions"]), providers=["CPUExecutionProvider"])
    lay = layout(session)
    prompts, new_tokens = job["prompts"], job["newTokens"]
    first_tokens, _, _ = generate(session, lay, prompts[0], new_tokens)
    for i in range(job["warmup"]):
        generate(session, lay, prompts[(i + 1) % len(prompts)], min(new_tokens, WARMUP_TOKENS))
    ttfts, itl, decode_ms, count = [], [], 0.0, 0
    loop_start = time.perf_counter_ns()
    elapsed = 0.0
    while (count < job["minIterations"] or elapsed < job["minDurationMs"]) and elapsed < job["maxDurationMs"]:
        _, ttft, steps = generate(session, lay, prompts[count % len(prompts)], new_tokens)
        count += 1
        elapsed = (time.perf_counter_ns() - loop_start) / 1e6
        ttfts.append(ttft)
        itl.extend(steps)
        decode_ms += sum(steps)
    batch = len(prompts[0])
    json.dump(
        {
            "onnxruntime": ort.__version__,
            "generations": count,
            "tokens": first_tokens.tolist(),
            "ttftP50Ms": float(np.percentile(ttfts, 50)),
            "itlP50Ms": float(np.percentile(itl, 50)) if itl else 0.0,
            "decodeTokensPerS": batch * len(itl) / (decode_ms / 1000) if decode_ms > 0 else 0.0,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
