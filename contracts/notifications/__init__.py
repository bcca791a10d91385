"""Notifications: the bell (`service.notify`, `models.Notification`), task and delegation mail,
the links messages carry (`links.Links`) and what writing them needs (`settings.MessageSettings`).
"""
