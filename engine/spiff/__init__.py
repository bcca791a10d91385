"""The adapter that owns SpiffWorkflow. Nothing outside this package imports it."""
