"""Self-assessment diagnostics: questionnaire templates, answers, scores and action plans."""
