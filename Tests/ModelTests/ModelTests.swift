// Tests of module Model live in this folder, one file per concept.
