// Swift Testing suites for KoriumSim. One file per area; vectors are loaded from Vectors/.
