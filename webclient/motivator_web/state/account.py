"""Reflex state of "Your data" in the settings: download everything, and delete the account after confirmation."""

from __future__ import annotations

import asyncio
import logging
import time

import reflex as rx
from pydantic import ValidationError

from motivator_web import account, cognito
from motivator_web.config import settings
from motivator_web.state.chat import ChatState
from shared.rest.models import DELETE_CONFIRMATION

log = logging.getLogger("motivator_web.state")
#: Refresh the access token first when it has less than this left (the REST call itself may take seconds).
TOKEN_MARGIN_S = 60.0


class AccountState(ChatState):
    """A substate of the chat, so that deleting the account can end the chat's link and sign the person out."""

    account_busy: bool = False
    account_error: str = ""
    delete_open: bool = False
    confirmation: str = ""

    @rx.var
    def account_available(self) -> bool:
        try:
            return bool(settings().http_api_url)
        except ValidationError:  # `reflex export` computes initial values with no environment: nothing to offer yet
            return False

    @rx.var
    def delete_confirmed(self) -> bool:
        return self.confirmation.strip() == DELETE_CONFIRMATION

    @rx.event
    def set_confirmation(self, value: str) -> None:
        self.confirmation = value

    @rx.event
    def set_delete_open(self, value: bool) -> None:
        self.delete_open, self.confirmation, self.account_error = value, "", ""

    @rx.event
    async def download_export(self):
        self.account_busy, self.account_error = True, ""
        yield
        try:
            token = await self._fresh_token()
            download = await asyncio.to_thread(account.export, str(settings().http_api_url), token)
        except account.AccountError as exc:
            self.account_error = str(exc)
            return
        finally:
            self.account_busy = False
        log.info("account export downloaded", extra={"bytes": len(download.data)})
        yield rx.download(data=download.data, filename=download.filename)

    @rx.event
    async def delete_account(self):
        if not self.delete_confirmed:
            self.account_error = f"Type {DELETE_CONFIRMATION} to confirm."
            return
        self.account_busy, self.account_error = True, ""
        yield
        try:
            token = await self._fresh_token()
            await asyncio.to_thread(account.delete, str(settings().http_api_url), token)
        except account.AccountError as exc:
            self.account_error = str(exc)
            return
        finally:
            self.account_busy = False
        self.delete_open, self.confirmation = False, ""
        yield ChatState.signed_out_after_deletion

    async def _fresh_token(self) -> str:
        """The access token, refreshed first when it is about to expire."""
        if self._expires_at - time.time() < TOKEN_MARGIN_S and self._refresh_token:
            try:
                self._store(await asyncio.to_thread(cognito.refresh, self._refresh_token))
            except cognito.AuthError:
                raise account.AccountError("Your sign-in has expired. Please sign in again.") from None
        return self._access_token
