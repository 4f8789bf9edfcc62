/** The summary line of a model preset node. */
export const describeSpec = (layers: number): string =>
  `${layers} layers; input and output sizes come from the dataset at training time`;
