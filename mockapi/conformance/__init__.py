"""The conformance suite: scenarios for every operation the fake implements, runnable against the in-process
fake, any base URL (``mockapi serve``, another server) or the real API, with the official SDK and the reference
client; every response is checked against the official contract.

    mockapi conformance [--base-url URL] [--api-key KEY] [--real-api] [--client sdk|reference|both]

Python: ``mockapi.conformance.runner.run(mockapi.conformance.targets.in_process())`` returns a ``Report``.
Nothing heavy is imported here: the ``mockapi`` command imports this package to add its subcommand.
"""
