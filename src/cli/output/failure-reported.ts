/**
 * Thrown when a failure was already reported (reportFailure wrote it and chose the exit
 * code) and the command must not run: from a hook before its action. The program ends
 * with that code and writes nothing more.
 */
export class FailureReported extends Error {
  constructor(readonly exitCode: number) {
    super('the failure was reported');
    this.name = 'FailureReported';
  }
}
