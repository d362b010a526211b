"""Reflex state of the web client: signing in (auth.AuthState) and the chat with its gateway link (chat.ChatState)."""

from motivator_web.state.account import AccountState
from motivator_web.state.auth import AuthState
from motivator_web.state.chat import ChatState

__all__ = ["AccountState", "AuthState", "ChatState"]
