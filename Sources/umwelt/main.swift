print("umwelt")
