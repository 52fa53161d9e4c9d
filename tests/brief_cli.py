"""`python tests/brief_cli.py brief ...`: the CLI with `brief` registered, as cli.py will once it is merged."""

from audiobrief.cli import app, main
from audiobrief.cli_brief import register

register(app)

if __name__ == "__main__":
    main()
