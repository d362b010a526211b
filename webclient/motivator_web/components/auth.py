"""Sign in, sign up, confirm and forgotten-password forms, each a labelled form inside a calm centred card."""

import reflex as rx

from motivator_web.state import AuthState


def brand(size: str = "6", **wordmark) -> rx.Component:
    return rx.hstack(
        rx.center(
            rx.icon("sprout", size=20, color="white"),
            width="34px",
            height="34px",
            border_radius="10px",
            background="linear-gradient(135deg, var(--teal-9), var(--jade-10))",
            aria_hidden="true",
        ),
        rx.heading("Motivator", size=size, weight="bold", color="var(--teal-12)", **wordmark),
        align="center",
        spacing="2",
    )


def session_cookie() -> rx.Component:
    """Asks the backend to set or clear the sign-in cookie (an image request: same origin, no script). The answer is
    204, no image; a code already used gets 400 and changes nothing."""
    return rx.cond(
        AuthState.cookie_url != "",
        rx.el.img(
            src=AuthState.cookie_url,
            alt="",
            aria_hidden="true",
            width="1",
            height="1",
            style={"position": "absolute", "width": "1px", "height": "1px", "opacity": 0, "pointerEvents": "none"},
        ),
    )


def auth_shell(title: str, subtitle: str, *children: rx.Component) -> rx.Component:
    # The whole card is the page's main landmark (screen readers jump to it; axe's "region" rule holds).
    return rx.el.main(
        session_cookie(),
        rx.center(
            rx.vstack(
                brand(),
                rx.card(
                    rx.vstack(
                        rx.heading(title, size="5", as_="h1"),
                        rx.text(subtitle, size="2", color="var(--gray-11)"),
                        messages(),
                        *children,
                        spacing="4",
                        width="100%",
                    ),
                    size="3",
                    width="100%",
                ),
                rx.text(
                    "Words of encouragement and Scripture (World English Bible). "
                    "If you are in danger, call or text 988 (US) or your local emergency number.",
                    size="1",
                    color="var(--gray-11)",
                    text_align="center",
                    id="crisis-line",  # stays on every sign-in page, throttled or not
                ),
                spacing="5",
                align="center",
                width="100%",
                max_width="440px",
            ),
            min_height="100dvh",
            padding="20px",
            background="linear-gradient(180deg, var(--teal-2), var(--gray-1) 60%)",
        ),
    )


def messages() -> rx.Component:
    return rx.fragment(
        rx.cond(
            AuthState.wait_s > 0,
            rx.callout(
                AuthState.wait_message, icon="timer", color_scheme="amber", role="alert", width="100%", id="auth-wait"
            ),
        ),
        rx.cond(
            AuthState.auth_error != "",
            rx.callout(AuthState.auth_error, icon="circle-alert", color_scheme="tomato", role="alert", width="100%"),
        ),
        rx.cond(
            AuthState.auth_info != "",
            rx.callout(AuthState.auth_info, icon="info", color_scheme="teal", role="status", width="100%"),
        ),
    )


def field(label: str, control: rx.Component, hint: rx.Component | None = None) -> rx.Component:
    return rx.vstack(
        rx.el.label(rx.text(label, size="2", weight="medium"), html_for=control.id),
        control,
        *([hint] if hint is not None else []),
        spacing="1",
        width="100%",
    )


def email_input(**props) -> rx.Component:
    return rx.input(
        id="email",
        name="email",
        type="email",
        auto_complete="email",
        required=True,
        placeholder="you@example.com",
        size="3",
        width="100%",
        **props,
    )


def password_input(id_: str, autocomplete: str, checked: bool = False) -> rx.Component:
    extra = {"on_change": AuthState.set_password.debounce(120)} if checked else {}
    return rx.input(
        id=id_,
        name="password",
        type="password",
        auto_complete=autocomplete,
        required=True,
        size="3",
        width="100%",
        **extra,
    )


def password_rules() -> rx.Component:
    """The pool's policy, each rule ticked as it is met (checked again before submit)."""
    return rx.el.ul(
        rx.foreach(
            AuthState.password_rules,
            lambda rule: rx.el.li(
                rx.hstack(
                    rx.cond(
                        rule.ok,
                        rx.icon("circle-check", size=15, color="var(--jade-10)"),
                        rx.icon("circle", size=15, color="var(--gray-8)"),
                    ),
                    rx.text(rule.label, size="1", color=rx.cond(rule.ok, "var(--jade-11)", "var(--gray-11)")),
                    rx.cond(
                        rule.ok,
                        rx.el.span(" (met)", class_name="sr-only"),
                        rx.el.span(" (not yet)", class_name="sr-only"),
                    ),
                    spacing="2",
                    align="center",
                ),
            ),
        ),
        id="password-rules",
        aria_label="Password rules",
        style={"listStyle": "none", "padding": 0, "margin": 0, "display": "grid", "gap": "2px"},
    )


def submit(label: str, busy_label: str, disabled=None) -> rx.Component:
    # Not until the page is live: a form sent before the app has connected would be lost.
    blocked = AuthState.busy | ~rx.State.is_hydrated | (AuthState.wait_s > 0)
    return rx.button(
        rx.cond(AuthState.busy, rx.spinner(size="2"), None),
        rx.cond(AuthState.busy, busy_label, label),
        type="submit",
        size="3",
        width="100%",
        high_contrast=True,  # white on teal-9 is 3.07:1
        disabled=blocked if disabled is None else (blocked | disabled),
    )


def link(text: str, href: str) -> rx.Component:
    return rx.link(text, href=href, size="2", weight="medium")


def sign_in_page() -> rx.Component:
    return auth_shell(
        "Welcome back",
        "Sign in to continue your conversation.",
        rx.form(
            rx.vstack(
                field("Email", email_input(default_value=AuthState.email)),
                field("Password", password_input("password", "current-password")),
                submit("Sign in", "Signing in…"),
                spacing="3",
                width="100%",
            ),
            on_submit=AuthState.sign_in,
            width="100%",
            aria_label="Sign in",
        ),
        rx.hstack(
            link("Forgot your password?", "/forgot"),
            rx.spacer(),
            link("Create an account", "/signup"),
            width="100%",
            wrap="wrap",
            spacing="2",
        ),
    )


def sign_up_page() -> rx.Component:
    return auth_shell(
        "Create your account",
        "A quiet place to share how you feel and receive encouragement.",
        rx.form(
            rx.vstack(
                field("Email", email_input(default_value=AuthState.email)),
                field(
                    "Password",
                    password_input("password", "new-password", checked=True),
                    password_rules(),
                ),
                submit("Create account", "Creating your account…", disabled=~AuthState.password_ok),
                spacing="3",
                width="100%",
            ),
            on_submit=AuthState.sign_up,
            width="100%",
            aria_label="Create an account",
        ),
        rx.cond(
            AuthState.auto_confirm,
            rx.text(
                "On this local stack new accounts are confirmed automatically; no email is sent.",
                size="1",
                color="var(--gray-11)",
            ),
        ),
        rx.hstack(rx.text("Already have an account?", size="2"), link("Sign in", "/signin"), spacing="2"),
    )


def confirm_page() -> rx.Component:
    return auth_shell(
        "Confirm your email",
        "Enter the code from the email we sent you.",
        rx.form(
            rx.vstack(
                field("Email", email_input(default_value=AuthState.email)),
                field(
                    "Confirmation code",
                    rx.input(
                        id="code",
                        name="code",
                        inputmode="numeric",
                        auto_complete="one-time-code",
                        required=True,
                        size="3",
                        width="100%",
                    ),
                ),
                submit("Confirm", "Confirming…"),
                spacing="3",
                width="100%",
            ),
            on_submit=AuthState.confirm,
            width="100%",
            aria_label="Confirm your email",
        ),
        rx.hstack(
            rx.button("Send a new code", variant="ghost", size="2", on_click=AuthState.resend_code, type="button"),
            rx.spacer(),
            link("Back to sign in", "/signin"),
            width="100%",
            align="center",
        ),
    )


def forgot_page() -> rx.Component:
    request = rx.form(
        rx.vstack(
            field("Email", email_input(default_value=AuthState.email)),
            submit("Send me a reset code", "Sending…"),
            spacing="3",
            width="100%",
        ),
        on_submit=AuthState.request_reset,
        width="100%",
        aria_label="Request a password reset code",
    )
    reset = rx.form(
        rx.vstack(
            rx.text("Resetting the password of ", rx.text.strong(AuthState.email), size="2"),
            field(
                "Code from the email",
                rx.input(
                    id="code",
                    name="code",
                    inputmode="numeric",
                    auto_complete="one-time-code",
                    required=True,
                    size="3",
                    width="100%",
                ),
            ),
            field("New password", password_input("new-password", "new-password", checked=True), password_rules()),
            submit("Change password", "Changing…", disabled=~AuthState.password_ok),
            rx.button("Use another email", variant="ghost", size="2", type="button", on_click=AuthState.restart_reset),
            spacing="3",
            width="100%",
        ),
        on_submit=AuthState.confirm_reset,
        width="100%",
        aria_label="Choose a new password",
    )
    return auth_shell(
        "Forgot your password?",
        "We'll send a code to your email so you can choose a new one.",
        rx.cond(AuthState.reset_code_sent, reset, request),
        link("Back to sign in", "/signin"),
    )
