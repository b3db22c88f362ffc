"""Repositories: a connection in, typed records out. They never commit; the caller does."""

from .likes import LikeRepository
from .login_attempts import LoginAttemptRepository
from .posts import PostRepository
from .profiles import ProfileRepository
from .users import UserRepository

__all__ = ["LikeRepository", "LoginAttemptRepository", "PostRepository", "ProfileRepository", "UserRepository"]
