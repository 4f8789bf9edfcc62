import { defineRecurrent } from './recurrent';

export const lstmNode = defineRecurrent(
  'lstm',
  'LSTM',
  'Long short-term memory over [sequence, features], unrolled over the fixed sequence length (Keras gate layout).',
);
