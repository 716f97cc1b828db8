/**
 * Whether an ONNX model computes in float16, read straight from its protobuf bytes (no
 * ONNX library in the worker): WebGPU runs such a model only when the adapter has the
 * `shader-f16` feature. Without it onnxruntime-web's WebGPU run never finishes (seen on
 * SwiftShader), so the worker must choose WASM before the first run, not after.
 */

const FLOAT16 = 10; // onnx.TensorProto.DataType.FLOAT16

/** Reads a protobuf varint at `pos`; returns the value and the position after it. */
function varint(b: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    if (pos >= b.length) throw new RangeError('truncated protobuf varint');
    const byte = b[pos++];
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, pos];
    scale *= 128;
  }
}

/** Calls `visit(field, wireType, start, end)` for each field of the message in b[start, end); `visit` returns true to stop. */
function fields(b: Uint8Array, start: number, end: number, visit: (field: number, wire: number, from: number, to: number) => boolean | void): boolean {
  let pos = start;
  while (pos < end) {
    const [tag, afterTag] = varint(b, pos);
    const field = Math.floor(tag / 8), wire = tag % 8;
    let from = afterTag, to: number;
    if (wire === 0) to = varint(b, afterTag)[1];
    else if (wire === 1) to = afterTag + 8;
    else if (wire === 5) to = afterTag + 4;
    else if (wire === 2) {
      const [length, afterLength] = varint(b, afterTag);
      from = afterLength;
      to = afterLength + length;
    } else throw new RangeError(`unsupported protobuf wire type ${wire}`);
    if (to > end) throw new RangeError('truncated protobuf field');
    if (visit(field, wire, from, to)) return true;
    pos = to;
  }
  return false;
}

/** True when any initializer (weight) of the model's graph is float16. */
export function hasFloat16Weights(model: Uint8Array): boolean {
  // ModelProto.graph = 7; GraphProto.initializer = 5; TensorProto.data_type = 2.
  return fields(model, 0, model.length, (field, wire, from, to) =>
    field === 7 && wire === 2 && fields(model, from, to, (gf, gw, gFrom, gTo) =>
      gf === 5 && gw === 2 && fields(model, gFrom, gTo, (tf, tw, tFrom) => tf === 2 && tw === 0 && varint(model, tFrom)[0] === FLOAT16),
    ),
  );
}
