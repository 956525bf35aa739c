/** A code on its way to an address. `text` is the whole message; it contains the code. */
export interface OutgoingCode {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** Sends one message; throws when the transport did not accept it. */
export type Sender = (message: OutgoingCode) => Promise<void>;
