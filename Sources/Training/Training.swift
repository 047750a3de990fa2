// Module Training: AdamW, learning-rate schedules, the trainer loop, checkpoints and Hugging Face export.
// Each concept of the module lives in its own file beside this one.
