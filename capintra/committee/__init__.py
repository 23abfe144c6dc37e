"""The follow-up committee (« comité de suivi du relogement »): the files flagged for it,
pseudonymised, printable, and the committee's decision recorded per file."""
