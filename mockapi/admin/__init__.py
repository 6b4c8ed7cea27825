"""The organization behind the Administration API (``/organization/...``): its state, the usage meter, the
usage and cost buckets and the price table. Handlers live in ``mockapi/resources/admin/``."""
