"""The Evals API and the fine-tuning graders: templating, graders (string checks, text similarity, model
graders through the responder, a python stand-in, multigraders), and eval runs on the shared clock."""
