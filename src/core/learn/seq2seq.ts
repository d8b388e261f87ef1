/**
 * The encoder-decoder GRU. The encoder reads the problem's feature steps; its last state starts the
 * decoder, which reads the previous token (one-hot into a dense layer rather than an embedding: the
 * wasm backend has no kernel for an embedding's gradient) and predicts the next token. The attention
 * variant lets every decoder step look back over all encoder states (dot-product attention).
 * One tf.LayersModel serves training (teacher forcing) and decoding (the decoder is causal, so the
 * output at step t depends only on inputs up to t), which keeps save/load to a single artifact.
 */
import * as tf from "@tensorflow/tfjs";

export interface ModelShape {
  featureSteps: number;
  stepWidth: number;
  decoderLength: number;
  vocabulary: number;
}

export interface ModelOptions {
  units: number;
  attention: boolean;
  /** Seeds every initializer, so training from one seed gives one model. */
  seed: number;
}

export function buildSeq2Seq(shape: ModelShape, options: ModelOptions): tf.LayersModel {
  let seed = options.seed;
  const glorot = () => tf.initializers.glorotUniform({ seed: seed++ });
  const orthogonal = () => tf.initializers.orthogonal({ seed: seed++ });
  const { units } = options;

  const encoderInput = tf.input({ shape: [shape.featureSteps, shape.stepWidth], name: "problem" });
  const decoderInput = tf.input({ shape: [shape.decoderLength, shape.vocabulary], name: "previous_tokens" });

  const encoderSteps = tf.layers
    .dense({ units, activation: "tanh", kernelInitializer: glorot(), name: "feature_projection" })
    .apply(encoderInput) as tf.SymbolicTensor;
  const [encoderStates, encoderState] = tf.layers
    .gru({
      units,
      returnSequences: true,
      returnState: true,
      kernelInitializer: glorot(),
      recurrentInitializer: orthogonal(),
      name: "encoder",
    })
    .apply(encoderSteps) as [tf.SymbolicTensor, tf.SymbolicTensor];

  const tokenVectors = tf.layers
    .dense({ units, useBias: false, kernelInitializer: glorot(), name: "token_projection" })
    .apply(decoderInput) as tf.SymbolicTensor;
  const decoderStates = tf.layers
    .gru({
      units,
      returnSequences: true,
      kernelInitializer: glorot(),
      recurrentInitializer: orthogonal(),
      name: "decoder",
    })
    // [input, initial state] as one list: the link is kept when the model is saved (kwargs are not).
    .apply([tokenVectors, encoderState]) as tf.SymbolicTensor;

  let top = decoderStates;
  if (options.attention) {
    const scores = tf.layers
      .dot({ axes: [2, 2], name: "attention_scores" })
      .apply([decoderStates, encoderStates]);
    const weights = tf.layers.activation({ activation: "softmax", name: "attention_weights" }).apply(scores);
    const context = tf.layers
      .dot({ axes: [2, 1], name: "attention_context" })
      .apply([weights as tf.SymbolicTensor, encoderStates as tf.SymbolicTensor]) as tf.SymbolicTensor;
    const joined = tf.layers.concatenate({ name: "state_and_context" }).apply([decoderStates, context]);
    top = tf.layers
      .dense({ units, activation: "tanh", kernelInitializer: glorot(), name: "attentional_state" })
      .apply(joined) as tf.SymbolicTensor;
  }
  const next = tf.layers
    .dense({
      units: shape.vocabulary,
      activation: "softmax",
      kernelInitializer: glorot(),
      name: "next_token",
    })
    .apply(top) as tf.SymbolicTensor;
  return tf.model({
    inputs: [encoderInput, decoderInput],
    outputs: next,
    name: options.attention ? "seq2seq_attention" : "seq2seq",
  });
}

/**
 * The trained model split for decoding: the encoder runs once per problem, the decoder once per
 * step over the (short) token prefix, reusing the trained layers by name.
 */
export interface DecodingModels {
  encoder: tf.LayersModel;
  /** Inputs: previous tokens [steps, vocabulary], encoder state, and encoder states when attending. */
  decoder: tf.LayersModel;
  attention: boolean;
}

export function decodingModels(model: tf.LayersModel): DecodingModels {
  const encoderLayer = model.getLayer("encoder");
  const encoder = tf.model({
    inputs: model.inputs[0] as tf.SymbolicTensor,
    outputs: encoderLayer.output as tf.SymbolicTensor[],
  });
  const [, vocabulary] = (model.inputs[1] as tf.SymbolicTensor).shape.slice(1) as [number, number];
  const [encoderStates] = encoderLayer.output as tf.SymbolicTensor[];
  const [featureSteps, units] = (encoderStates as tf.SymbolicTensor).shape.slice(1) as [number, number];
  const attention = model.layers.some((l) => l.name === "attention_scores");
  const previous = tf.input({ shape: [null, vocabulary], name: "prefix_tokens" });
  const state = tf.input({ shape: [units], name: "encoder_state" });
  const states = tf.input({ shape: [featureSteps, units], name: "encoder_states" });
  const apply = (name: string, input: tf.SymbolicTensor | tf.SymbolicTensor[]) =>
    model.getLayer(name).apply(input) as tf.SymbolicTensor;
  const decoderStates = apply("decoder", [apply("token_projection", previous), state]);
  let top = decoderStates;
  if (attention) {
    const weights = apply("attention_weights", apply("attention_scores", [decoderStates, states]));
    const context = apply("attention_context", [weights, states]);
    top = apply("attentional_state", apply("state_and_context", [decoderStates, context]));
  }
  const decoder = tf.model({
    inputs: attention ? [previous, state, states] : [previous, state],
    outputs: apply("next_token", top),
  });
  return { encoder, decoder, attention };
}
