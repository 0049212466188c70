/** A usage or input error of the command line: printed as one line, exit status 2. */
export class CliError extends Error {
  readonly code = 'CLI_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
