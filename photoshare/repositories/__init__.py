"""Repositories: a connection in, typed records out. They never commit; the caller does."""

from photoshare.repositories.account_tokens import AccountTokenRepository, TokenPurpose
from photoshare.repositories.comments import CommentRepository
from photoshare.repositories.follows import FollowRepository
from photoshare.repositories.hashtags import HashtagRepository
from photoshare.repositories.jobs import JobRepository
from photoshare.repositories.likes import LikeRepository
from photoshare.repositories.login_attempts import LoginAttemptRepository
from photoshare.repositories.media import MediaRepository
from photoshare.repositories.notifications import NotificationRepository
from photoshare.repositories.posts import PostRepository
from photoshare.repositories.profiles import ProfileRepository
from photoshare.repositories.rate_limits import RateLimitRepository
from photoshare.repositories.search import SearchRepository
from photoshare.repositories.sessions import SessionRepository
from photoshare.repositories.timelines import TimelineRepository
from photoshare.repositories.users import UserRepository

__all__ = ["AccountTokenRepository", "CommentRepository", "FollowRepository", "HashtagRepository", "JobRepository",
           "LikeRepository", "LoginAttemptRepository", "MediaRepository", "NotificationRepository", "PostRepository",
           "ProfileRepository", "RateLimitRepository", "SearchRepository", "SessionRepository", "TimelineRepository",
           "TokenPurpose", "UserRepository"]
