from audiobrief.cli import main

if __name__ == "__main__":  # spawn workers re-import this module; only the real entry runs the CLI
    main()
