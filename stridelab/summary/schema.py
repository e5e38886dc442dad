"""Print the JSON schema of ``summary.json``: ``python -m stridelab.summary.schema``.

``docs/summary.schema.json`` is this output; a test checks that it is current.
"""

import json

from stridelab.summary.model import json_schema

if __name__ == "__main__":
    print(json.dumps(json_schema(), indent=2))
