"""The app robot's commands (待办, 确认, 查, 帮助): one interpreter for the HTTP callback
(``portal.views.robot``) and for Stream mode (``bzops stream``), with replies through the
conversation's session webhook."""
