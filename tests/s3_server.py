"""Where bench/ imports the throwaway SeaweedFS from; it lives in tests.support.s3_server."""

from tests.support.s3_server import SeaweedS3

__all__ = ["SeaweedS3"]
