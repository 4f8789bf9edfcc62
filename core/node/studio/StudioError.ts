/** An error with the HTTP status the studio server answers it with (400, 403, 404, 409). */
export class StudioError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 413 | 500,
    message: string,
  ) {
    super(message);
    this.name = 'StudioError';
  }
}
