/** A photo between the prepare step and the network: what crosses from one worker to the other, and its buffers to transfer. */
import type { RgbaImage } from './image.ts';
import type { StageTimings } from './pipeline.ts';
import type { ModelInput } from './preprocess.ts';

/** A photo decoded and preprocessed, ready for the network. */
export interface PreparedPhoto {
  image: RgbaImage;
  input: ModelInput;
  timings: StageTimings;
}

/** The buffers of a prepared photo: transferred, never copied, each time it crosses to another thread. */
export function preparedBuffers(prepared: PreparedPhoto): ArrayBuffer[] {
  return [prepared.image.data.buffer, prepared.input.tensor.buffer, prepared.input.guide.buffer] as ArrayBuffer[];
}
