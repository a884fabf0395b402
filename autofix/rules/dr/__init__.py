"""The DR family: multi-region disaster-recovery failures (the post-mortem's seven, and what followed).

Helpers shared by the family live here too: :mod:`.context` (is this a DR
template?), :mod:`._s3` (bucket replication facts) and :mod:`._endpoints`
(health checks and the entry points they can probe).
"""
