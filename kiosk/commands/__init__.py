"""One module per `kiosk` sub-command; see kiosk/cli.py."""
