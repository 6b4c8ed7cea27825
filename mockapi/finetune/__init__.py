"""Fine-tuning: training-file rules (pure, reusable client-side), the job lifecycle and its controls."""

from mockapi.finetune.validation import FileProblem, FileReport, analyze, validate_training_file

__all__ = ["FileProblem", "FileReport", "analyze", "validate_training_file"]
