"""The Motivator web client: a Reflex app talking to the gateway over WebSockets and to Cognito."""
