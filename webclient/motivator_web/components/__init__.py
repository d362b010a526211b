"""Components of the web client: plain functions returning rx.Component."""
