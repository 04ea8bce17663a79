"""vn-child-plans: Vietnamese child-protection plans to a comparable dataset.

The pipeline is a chain of plain functions over one `Document`
(read -> clean -> structure -> metadata -> extractors -> classifier -> record),
see `pipeline.process`.
"""

__version__ = "0.1.0"
