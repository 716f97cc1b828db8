/**
 * The static int8 ISNet: the package's fp16 model, made float32, quantized with the ranges
 * `npm run calibrate` wrote to models/calibration.json. This is the step a manifest entry's
 * derivation calls, as
 *
 *   "quantize": { "calibration": "calibration.json", "method": "p99.999", "keepFloat": [...] }
 *
 * after pruning the outputs (so the side heads that only fed dropped outputs are gone).
 */
import type onnxProto from 'onnx-proto';
import type { Method } from './quantize-calibration.ts';
import { dequantizeFloat16, quantizeStatic, type ActivationType, type Range } from './quantize.ts';
import type { GlueOptions } from './quantize-glue.ts';

/** models/calibration.json: per tensor and method, [min, max, SQNR dB]. */
export interface Calibration {
  model: string;
  sha256: string;
  inputSize: number;
  photos: string[];
  methods: Method[];
  tensors: Record<string, Partial<Record<Method, [number, number, number]>>>;
}

export interface QuantizeStep {
  /** File name of the calibration, in models/. */
  calibration: string;
  method: Method;
  /** Conv node names kept in float. */
  keepFloat: string[];
  activations?: ActivationType;
  /** Glue between the Convs quantized too (quantize-glue.ts). */
  glue?: GlueOptions;
}

/** The ranges of one method. */
export function calibratedRanges(calibration: Calibration, method: Method): Record<string, Range> {
  if (!calibration.methods.includes(method)) throw new Error(`the calibration has no method ${method} (it has ${calibration.methods.join(', ')})`);
  return Object.fromEntries(
    Object.entries(calibration.tensors).map(([t, m]) => {
      const r = m[method];
      if (!r) throw new Error(`the calibration has no ${method} range for tensor ${t}`);
      return [t, { min: r[0], max: r[1] }];
    }),
  );
}

/** The float16 (or float32) ISNet, quantized as `step` says. */
export function quantizeIsnet(model: onnxProto.onnx.IModelProto, calibration: Calibration, step: QuantizeStep): onnxProto.onnx.ModelProto {
  return quantizeStatic(dequantizeFloat16(model), {
    ranges: calibratedRanges(calibration, step.method),
    keepFloat: step.keepFloat,
    activations: step.activations,
    glue: step.glue,
  });
}
