/**
 * What an ONNX model's weights are made of, read straight from its protobuf bytes (no ONNX
 * library in the worker), for choosing its backend before the first run:
 * - float16 weights: the model computes in float16, and WebGPU runs it only when the
 *   adapter has `shader-f16`. Without it onnxruntime-web's WebGPU run never finishes (seen
 *   on SwiftShader).
 * - int8 weights: a static int8 model (QuantizeLinear/DequantizeLinear pairs), which
 *   onnxruntime-web's WASM backend fuses into int8 convolutions; its WebGPU backend does
 *   not, and ran the default model for over 9 minutes on SwiftShader against 10 s on WASM.
 */

const FLOAT16 = 10; // onnx.TensorProto.DataType.FLOAT16
const INT8 = 3; // onnx.TensorProto.DataType.INT8

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

/** Whether any initializer (weight) of the model's graph has the ONNX data type `type`. */
function hasWeightsOf(model: Uint8Array, type: number): boolean {
  // ModelProto.graph = 7; GraphProto.initializer = 5; TensorProto.data_type = 2.
  return fields(model, 0, model.length, (field, wire, from, to) =>
    field === 7 && wire === 2 && fields(model, from, to, (gf, gw, gFrom, gTo) =>
      gf === 5 && gw === 2 && fields(model, gFrom, gTo, (tf, tw, tFrom) => tf === 2 && tw === 0 && varint(model, tFrom)[0] === type),
    ),
  );
}

/** True when any initializer (weight) of the model's graph is float16. */
export function hasFloat16Weights(model: Uint8Array): boolean {
  return hasWeightsOf(model, FLOAT16);
}

/** True when any initializer is int8: the weights of a static int8 (QDQ) model. */
export function hasInt8Weights(model: Uint8Array): boolean {
  return hasWeightsOf(model, INT8);
}
