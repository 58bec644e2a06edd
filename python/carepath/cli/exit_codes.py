"""The exit codes of the ``carepath`` command (docs/reliability.md lists them)."""

EXIT_OK = 0
EXIT_ENGINE = 1  # the engine stopped the run
EXIT_USAGE = 2  # a bad scenario, option, file or folder, or a missing extra
EXIT_TARGETS = 3  # check: a target not met
EXIT_INCOMPLETE = 4  # sweep gather: points missing
EXIT_IO = 5  # a file could not be read or written
EXIT_BUG = 70  # an internal error
EXIT_INTERRUPTED = 130  # Ctrl-C
