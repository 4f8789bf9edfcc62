import { defineRecurrent } from './recurrent';

export const gruNode = defineRecurrent(
  'gru',
  'GRU',
  'Gated recurrent unit over [sequence, features], unrolled over the fixed sequence length (Keras layout, reset_after=false as in TF.js).',
);
