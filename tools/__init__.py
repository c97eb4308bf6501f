"""Developer and operator tools: training, running the stack, evaluation."""
