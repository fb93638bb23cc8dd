"""Questionnaires (アンケート): a consultation's questions beside the free text, and the answers."""

from workshop.questionnaires import cli

__all__ = ["cli"]
