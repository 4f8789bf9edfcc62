/** A problem with the user's data (pure code throws it; executors turn it into a UserError). */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}
