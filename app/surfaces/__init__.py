"""What people use: the ``policyqa`` command and the Gradio app with its API."""
