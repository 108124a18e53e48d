"""Derives fp16 and int8 variants of ONNX models with ONNX Runtime's own tooling, for `ortfleet models prepare`.

Reads {"jobs": [{"precision": "fp16" | "int8", "input": fp32 path, "output": path}]} on stdin and writes one
JSON object per line on stdout: {"event": "versions"} once every input is checked, then {"event": "written"} or {"event": "failed"}
per job. Exit 3: onnxruntime or onnx cannot be imported; exit 4: an input is not an ONNX model (nothing is
written then). Each output is written under a temporary name and renamed, so a crash never leaves a
half-written file where ortfleet would take it for a variant.
"""

import json
import os
import sys
import time


def emit(**event):
    print(json.dumps(event), flush=True)


try:
    import onnxruntime
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.float16 import convert_float_to_float16
except ImportError as err:
    emit(event="missing", module=err.name or "", error=str(err))
    sys.exit(3)


def check_model(path):
    try:
        model = onnx.load(path, load_external_data=False)
    except Exception as err:  # protobuf raises its own DecodeError, among others
        raise ValueError(f"not an ONNX model: {err}") from err
    # An empty or foreign file can parse as an empty ModelProto.
    if not model.HasField("graph") or len(model.graph.node) == 0:
        raise ValueError("not an ONNX model: no graph nodes")


def constants_to_initializers(model):
    """quantize_dynamic quantizes only weights held as initializers; exporters such as paddle2onnx put them
    in Constant nodes instead, and then quantization fails with 'Expected ... to be an initializer'."""
    graph = model.graph
    kept = []
    for node in graph.node:
        if node.op_type == "Constant" and node.domain in ("", "ai.onnx") and [a.name for a in node.attribute] == ["value"]:
            tensor = onnx.TensorProto()
            tensor.CopyFrom(node.attribute[0].t)
            tensor.name = node.output[0]
            graph.initializer.append(tensor)
        else:
            kept.append(node)
    del graph.node[:]
    graph.node.extend(kept)
    return model


def derive(precision, source, target):
    if precision == "int8":
        quantize_dynamic(constants_to_initializers(onnx.load(source)), target, weight_type=QuantType.QInt8)
    elif precision == "fp16":
        # keep_io_types: callers feed and read float32 as for the fp32 model; the conversion runs onnx shape
        # inference itself (disable_shape_infer=False).
        onnx.save(convert_float_to_float16(onnx.load(source), keep_io_types=True), target)
    else:
        raise ValueError(f"cannot derive precision {precision}")


def main():
    jobs = json.load(sys.stdin)["jobs"]
    for source in dict.fromkeys(job["input"] for job in jobs):
        try:
            check_model(source)
        except ValueError as err:
            emit(event="bad-model", input=source, error=str(err))
            sys.exit(4)
    emit(event="versions", onnxruntime=onnxruntime.__version__, onnx=onnx.__version__, python=sys.version.split()[0])
    for job in jobs:
        target = job["output"]
        partial = os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.partial")
        start = time.perf_counter()
        try:
            derive(job["precision"], job["input"], partial)
            os.replace(partial, target)
        except Exception as err:
            if os.path.exists(partial):
                os.remove(partial)
            emit(event="failed", precision=job["precision"], output=target, error=f"{type(err).__name__}: {err}")
            continue
        emit(event="written", precision=job["precision"], output=target, bytes=os.path.getsize(target), seconds=time.perf_counter() - start)


if __name__ == "__main__":
    main()
