// Tests of module Training live in this folder, one file per concept.
