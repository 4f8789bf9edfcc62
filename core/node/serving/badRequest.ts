/** A request the client must fix: answered with 400 and this message. */
export class BadRequest extends Error {}
