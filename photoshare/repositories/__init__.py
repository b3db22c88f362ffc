"""Repositories: a connection in, typed records out. They never commit; the caller does."""

from photoshare.repositories.likes import LikeRepository
from photoshare.repositories.login_attempts import LoginAttemptRepository
from photoshare.repositories.media import MediaRepository
from photoshare.repositories.posts import PostRepository
from photoshare.repositories.profiles import ProfileRepository
from photoshare.repositories.rate_limits import RateLimitRepository
from photoshare.repositories.users import UserRepository

__all__ = ["LikeRepository", "LoginAttemptRepository", "MediaRepository", "PostRepository", "ProfileRepository",
           "RateLimitRepository", "UserRepository"]
